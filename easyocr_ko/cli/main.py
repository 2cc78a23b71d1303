"""The ``easyocr-ko`` command line.  Each verb parses options, builds a config, calls one library function
and prints a summary on stdout; progress goes to stderr.  A user error (:class:`EasyOcrKoError`, an ``OSError``
such as a missing file or a full disk, an option value out of range) ends with one line on stderr and exit
status 1 (130 when interrupted); any other exception is a bug and keeps its traceback.  ``--debug`` (or the
environment variable ``EASYOCR_KO_DEBUG=1``) shows the traceback of user errors too."""
from __future__ import annotations

import sys
from typing import Any

import click

from easyocr_ko import __version__
from easyocr_ko.cli.options import DEBUG_ENV, debug_requested
from easyocr_ko.errors import EasyOcrKoError


def _quiet_known_warnings() -> None:
    """Silence two warnings EasyOCR 1.7.2 triggers on every CPU read with current torch (its DataLoader asks for
    pinned memory without an accelerator; its int8 quantization uses functions torch has deprecated): they say
    nothing a user can act on.  Only these two messages are filtered, and only in the command-line program."""
    import warnings

    warnings.filterwarnings("ignore", message=r"'pin_memory' argument is set as true", category=UserWarning)
    warnings.filterwarnings("ignore", message=r"torch\.quantize_per_tensor, torch\.quantize_per_channel",
                            category=UserWarning)


def error_line(err: BaseException) -> str:
    """The one line the CLI prints for a user error (without the ``easyocr-ko: error:`` prefix)."""
    from easyocr_ko.fsutil import describe_os_error

    if isinstance(err, OSError):
        return describe_os_error(err)
    if isinstance(err, click.ClickException):
        return err.format_message().splitlines()[0]
    text = str(err)
    return text.splitlines()[0] if text else type(err).__name__


class _Group(click.Group):
    """A click group that turns the package's errors (and OS errors, and option values click rejects) into one
    line and exit status 1; with ``--debug`` / ``EASYOCR_KO_DEBUG=1`` they are re-raised with their traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        _quiet_known_warnings()
        try:
            return super().invoke(ctx)
        except (EasyOcrKoError, OSError, click.BadParameter) as err:
            if debug_requested(ctx):
                raise
            click.echo(f"easyocr-ko: error: {error_line(err)}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("easyocr-ko: interrupted; nothing half-written was kept", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="easyocr-ko")
@click.option("--debug", is_flag=True, help=f"Show the traceback of errors (also: {DEBUG_ENV}=1).")
def main(debug: bool) -> None:
    """Korean handwriting recognition for EasyOCR: synthetic data, fine-tuning, export, evaluation."""


def _register() -> None:
    from easyocr_ko.cli.demo_cmd import demo
    from easyocr_ko.cli.eval_cmd import eval_cmd
    from easyocr_ko.cli.finetune_cmd import finetune
    from easyocr_ko.cli.gen_cmd import gen, lmdb_cmd
    from easyocr_ko.cli.import_cmd import import_cmd
    from easyocr_ko.cli.texts_cmd import texts_cmd
    from easyocr_ko.cli.trio_cmd import export, install_model, read

    # in the order of the pipeline
    for command, name in ((texts_cmd, "texts"), (gen, "gen"), (import_cmd, "import"), (lmdb_cmd, "lmdb"),
                          (finetune, "finetune"), (export, "export"), (install_model, "install-model"),
                          (read, "read"), (eval_cmd, "eval"), (demo, "demo")):
        main.add_command(command, name)


_register()

if __name__ == "__main__":
    sys.exit(main())
