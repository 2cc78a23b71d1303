"""The recognizer itself: EasyOCR's gen2 network and the factory for any network, with its configuration read
back from weights (:mod:`~.model`), DTRB's four-stage networks (:mod:`~.dtrb`, the network file shipped in
trios), pretrained weights (:mod:`~.pretrained`), Reader-exact preprocessing (:mod:`~.transforms`), CTC and
attention decoding (:mod:`~.predict`), and where it runs (:mod:`~.device`)."""
