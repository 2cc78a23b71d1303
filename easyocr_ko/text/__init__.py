"""Stage 1, text: the label lines synthetic images are rendered from.

Modules, in the order the text flows:

* :mod:`~easyocr_ko.text.dictionary` -- word lists: loading, cleaning (NFC, whitespace, deduplication), the DTRB
  label rules and the shipped default dictionary's recipe;
* :mod:`~easyocr_ko.text.lexicon` -- the generator's curated word tables (nouns by category, verbs and
  adjectives with their conjugation class, units, acronyms ...) and the shipped name and place lists;
* :mod:`~easyocr_ko.text.grammar` -- two-form particles (을/를), the copula 이다 and predicate conjugation,
  composed from jamo;
* :mod:`~easyocr_ko.text.names` -- the ``name`` kind of line (personal names with titles and labels, shop names);
* :mod:`~easyocr_ko.text.sentences` -- the ``sentence`` kind of line (templates, fixed expressions and sentences
  around the dictionary's words, with conjugated endings);
* :mod:`~easyocr_ko.text.digits` -- the ``digits`` kind of line (dates, times, phone numbers, prices, addresses ...);
* :mod:`~easyocr_ko.text.latin` -- the ``latin`` kind of line (acronyms and Latin words with Hangul, addresses,
  codes, punctuation);
* :mod:`~easyocr_ko.text.generator` -- :class:`~easyocr_ko.text.generator.TextMix` and
  :class:`~easyocr_ko.text.generator.TextGenerator`, which index a dictionary and draw reproducible lines of six
  kinds (dictionary words, names, sentences, digits, Latin mixes, random syllables), each from its module's
  makers, for ``easyocr-ko gen --text-mix``.

The ``easyocr-ko texts`` command that previews generated lines is in :mod:`easyocr_ko.cli.texts_cmd`.
"""

__all__: list[str] = []
