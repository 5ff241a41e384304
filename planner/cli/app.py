"""The mi50plan command line: the one error boundary of the program.

Every command module registers itself here. ``main(argv)`` returns the exit code, so tests reach the
error boundary too. MI50PLAN_DEBUG=1 shows tracebacks.
"""

from __future__ import annotations

import os
import sys

import typer

try:  # typer >= 0.20 vendors its own click; older releases use the click package
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc

from planner.cli.limits import apply_limits
from planner.errors import ExitCode, PlannerError

app = typer.Typer(
    name="mi50plan",
    help="Will this LLM fit, how fast will it run, and which engine should serve it? "
    "Plans vLLM, Ollama and llama.cpp deployments on an AMD MI50 (or any GPU profile), then checks "
    "the plan against live servers.\n\nExample: mi50plan fit Qwen/Qwen2.5-7B-Instruct --dtype fp16",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # rich tracebacks print local variables, tokens included
    rich_markup_mode=None,  # plain help: wraps to the terminal, never cuts option names, loads no rich
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from planner import __version__

        sys.stdout.write(f"mi50plan {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", is_eager=True, callback=_version, help="Print the version and exit."
    ),
) -> None:
    """Will this LLM fit, how fast will it run, and which engine should serve it?"""


def _register() -> None:
    # Explicit imports: a broken command module fails loudly here, never as "No such command".
    from planner.cli import capacity, fit, predict, probe, profiles_cmd, validate

    for module in (fit, profiles_cmd, predict, capacity, probe, validate):
        module.register(app)


_register()
apply_limits(app)  # every flag's range and shape, declared once in planner.cli.limits


def _fail(message: str, hint: str | None, code: int) -> int:
    sys.stderr.write(f"error: {message}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")
    return int(code)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    debug = os.environ.get("MI50PLAN_DEBUG", "") not in ("", "0")
    try:
        from planner.sources.defaults import default_map

        result = app(args=args, prog_name="mi50plan", standalone_mode=False, default_map=default_map())
    except PlannerError as exc:
        if debug:
            raise
        command = next((a for a in args if not a.startswith("-")), "")
        return _fail(
            exc.message,
            exc.hint
            or f"`mi50plan {command} --help` shows the options and examples".replace("mi50plan  --", "mi50plan --"),
            exc.exit_code,
        )
    except click_exc.NoArgsIsHelpError:
        return int(ExitCode.OK)  # typer has already printed the help
    except click_exc.UsageError as exc:
        if debug:
            raise
        hint = "run with --help for the options and an example"
        if exc.ctx is not None:
            hint = f"`{exc.ctx.command_path} --help` shows the options and an example"
        return _fail(exc.format_message(), hint, ExitCode.USAGE)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return _fail("interrupted", None, ExitCode.FAILURE)
    except KeyboardInterrupt:
        return _fail("interrupted", None, 130)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception as exc:  # the last net: one line, never a traceback unless asked
        if debug:
            raise
        return _fail(
            f"unexpected {type(exc).__name__}: {exc}",
            "this is a bug in mi50plan; MI50PLAN_DEBUG=1 shows the traceback",
            ExitCode.FAILURE,
        )
    return int(result or 0)


if __name__ == "__main__":
    raise SystemExit(main())
