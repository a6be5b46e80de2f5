"""Mutation-test one module with the tests chosen for it (mutmut, one worker).

    uv run python tools/mutate.py cors_core/_paths.py -- tests/test_paths.py tests/security/

The tree (``[tool.mutmut]``'s ``source_paths`` and ``also_copy``, ``tests/``,
``pyproject.toml``) is copied to ``mutants/<module>/`` (git-ignored), so a run sees one
snapshot and never writes to the working tree; there mutmut mutates only ``MODULE`` and
runs only the tests named after ``--``. The report gives the counts, the mutants recorded
as equivalent in ``tools/equivalent_mutants.toml`` with their reason, and every other
survivor with its diff. The exit status is 1 when fewer than ``--min-score`` percent of the
behaviour-changing mutants (all but the equivalent ones) are killed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tools" / "equivalent_mutants.toml"
#: mutmut's verdicts that count as killed (a timeout is a mutant the tests stopped).
KILLED = frozenset({"killed", "timeout", "caught by type check"})
#: Copied besides ``source_paths`` and ``also_copy``: what every test run needs.
ALWAYS_COPY = ("tests", "pyproject.toml")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".mutmut-cache", ".pytest_cache")


@dataclass
class Mutant:
    name: str  # mutmut's, e.g. cors_core._paths.xǁPathRulesǁfor_path__mutmut_3
    status: str
    diff: str = ""
    reason: str | None = None  # set when recorded as equivalent

    @property
    def function(self) -> str:
        """``PathRules.for_path`` or ``_twin``: the mutated function, as written."""
        local = self.name.rsplit(".", 1)[-1]
        local = re.sub(r"__mutmut_\d+$", "", local)
        return _function_name(local)

    def change(self) -> tuple[str, str]:
        """The mutated lines, as ``(before, after)``, whitespace-normalised."""
        return _change(self.diff)


def _function_name(local: str) -> str:
    if local.startswith("xǁ"):  # a method: xǁClassǁmethod
        return ".".join(part for part in local[2:].split("ǁ") if part)
    return local[2:] if local.startswith("x_") else local


def _normalise(lines: list[str]) -> str:
    return " / ".join(" ".join(line.split()) for line in lines)


def _change(diff: str) -> tuple[str, str]:
    lines = diff.splitlines()
    removed = [x[1:] for x in lines if x.startswith("-") and not x.startswith("---")]
    added = [x[1:] for x in lines if x.startswith("+") and not x.startswith("+++")]
    return _normalise(removed), _normalise(added)


@dataclass
class Equivalent:
    """One ``[[equivalent]]`` record of ``tools/equivalent_mutants.toml``."""

    module: str
    function: str
    before: str
    after: str
    reason: str
    matched: list[str] = field(default_factory=list)

    def matches(self, module: str, mutant: Mutant) -> bool:
        return (
            self.module == module
            and self.function == mutant.function
            and (" ".join(self.before.split()), " ".join(self.after.split())) == mutant.change()
        )


def load_equivalents(path: Path) -> list[Equivalent]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text("utf-8"))
    return [
        Equivalent(e["module"], e["function"], e["before"], e["after"], e["reason"])
        for e in data.get("equivalent", [])
    ]


def _mutmut_config() -> dict[str, Any]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    config: dict[str, Any] = data.get("tool", {}).get("mutmut", {})
    return config


def _toml_value(value: object) -> str:
    # Strings, numbers, booleans and lists of them: their JSON spelling is valid TOML.
    return json.dumps(value, ensure_ascii=False)


def _copy(name: str, work: Path, keep: Path | None = None) -> None:
    """Copy ``name`` from the tree into ``work``, all but ``keep`` (a file under it)."""
    source = ROOT / name
    if source.is_dir():

        def ignore(folder: str, names: list[str]) -> set[str]:
            skipped = set(_SKIP(folder, names))
            return skipped | {n for n in names if keep is not None and Path(folder, n) == keep}

        shutil.copytree(source, work / name, ignore=ignore, dirs_exist_ok=True)
    elif source.exists() and source != keep:
        shutil.copy2(source, work / name)


def prepare(module: str, tests: list[str], work: Path, *, again: bool) -> None:
    """A copy of the tree in ``work`` configured to mutate ``module`` with ``tests``.

    ``again``: keep ``module`` and the results of the last run (``module`` must be
    unchanged); everything else is copied anew.
    """
    config = _mutmut_config()
    sources = [str(p) for p in config.get("source_paths", [])]
    also = [str(p) for p in config.get("also_copy", [])]
    if not any(Path(module).is_relative_to(s) for s in sources):
        # mutmut mutates only under source_paths: a module of an also_copy folder
        # (adapters/) moves that folder to source_paths for this run.
        folder = next((a for a in also if Path(module).is_relative_to(a)), None)
        if folder is None:
            sys.exit(f"{module} is not under [tool.mutmut] source_paths {sources} or also_copy")
        sources.append(folder)
        also.remove(folder)
    if again:
        if not (work / "mutants").is_dir():
            sys.exit(f"no earlier run of {module} in {work}: run without --again")
        if (work / module).read_bytes() != (ROOT / module).read_bytes():
            sys.exit(f"{module} changed since its last run: run without --again")
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
    # Everything but the mutated module (kept as it was: its mutants and their results
    # stay valid) is copied anew, so the tests run against the tree as it is now.
    for name in dict.fromkeys([*sources, *also, *ALWAYS_COPY]):
        _copy(name, work, keep=ROOT / module if again else None)
    config = {
        **config,
        "source_paths": sources,
        "also_copy": also,
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": tests,
    }
    text = (work / "pyproject.toml").read_text("utf-8")
    # Drop the tree's own [tool.mutmut] table (up to the next table) and write this run's.
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    table = "".join(f"{key} = {_toml_value(value)}\n" for key, value in config.items())
    (work / "pyproject.toml").write_text(f"{text}\n[tool.mutmut]\n{table}", "utf-8")


def _mutmut(work: Path, *args: str, log: Path | None = None) -> str:
    executable = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
    if log is None:
        done = subprocess.run(  # noqa: S603 (our own arguments)
            [executable, *args], cwd=work, capture_output=True, text=True, check=False
        )
        if done.returncode:
            sys.exit(f"mutmut {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout
    with log.open("w", encoding="utf-8") as out:
        logged = subprocess.run(  # noqa: S603
            [executable, *args], cwd=work, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if logged.returncode:
        tail = log.read_text("utf-8", "replace")[-4000:]
        sys.exit(f"mutmut {' '.join(args)} failed (log: {log}):\n{tail}")
    return ""


def results(work: Path, module: str, *, diffs: bool = True) -> list[Mutant]:
    dotted = module.removesuffix(".py").replace("/", ".")
    # A package's ``__init__.py`` may be named with or without ``.__init__``; the mutated
    # function's own name holds no dot, which keeps a package apart from its submodules.
    prefixes = {dotted + ".", dotted.removesuffix(".__init__") + "."}
    mutants = []
    for line in _mutmut(work, "results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if any(name.startswith(p) and "." not in name[len(p) :] for p in prefixes):
            mutants.append(Mutant(name, status))
    for mutant in mutants:
        if diffs and mutant.status not in KILLED:
            shown = _mutmut(work, "show", mutant.name).splitlines()
            mutant.diff = "\n".join(line for line in shown if not line.startswith("# "))
    return mutants


def report(module: str, mutants: list[Mutant], equivalents: list[Equivalent]) -> float:
    """Print the counts and the survivors; return the score (percent)."""
    survivors = [m for m in mutants if m.status not in KILLED]
    killed = len(mutants) - len(survivors)
    for mutant in survivors:
        for record in equivalents:
            if record.matches(module, mutant):
                mutant.reason = record.reason
                record.matched.append(mutant.name)
                break
    equivalent = [m for m in survivors if m.reason is not None]
    open_ = [m for m in survivors if m.reason is None]
    changing = len(mutants) - len(equivalent)
    score = 100.0 * killed / changing if changing else 100.0
    print(f"\n== {module}")
    print(
        f"mutants {len(mutants)}, killed {killed}, survived {len(survivors)} "
        f"(equivalent {len(equivalent)}, open {len(open_)}); "
        f"killed {killed}/{changing} behaviour-changing = {score:.1f}%"
    )
    if equivalent:
        print("\n-- equivalent (tools/equivalent_mutants.toml)")
        for mutant in equivalent:
            print(f"{mutant.name}: {mutant.reason}")
    for mutant in open_:
        print(f"\n-- {mutant.status}: {mutant.name}")
        print(mutant.diff)
        before, after = mutant.change()
        print("   record, if no caller can tell the difference (tools/equivalent_mutants.toml):")
        print(f"   [[equivalent]]\n   module = {_toml_value(module)}")
        print(f"   function = {_toml_value(mutant.function)}")
        print(f"   before = {_toml_value(before)}\n   after = {_toml_value(after)}")
        print('   reason = "..."')
    for record in equivalents:
        if record.module == module and not record.matched:
            print(
                f"\nnote: no survivor matches the equivalent record {record.function}: "
                f"{record.before!r} -> {record.after!r} (killed now, or the code changed)"
            )
    return score


def _last_tests(work: Path) -> list[str]:
    """The tests of the last run in ``work``."""
    try:
        data = tomllib.loads((work / "pyproject.toml").read_text("utf-8"))
    except FileNotFoundError:
        return []
    tests: list[str] = data["tool"]["mutmut"].get("pytest_add_cli_args_test_selection", [])
    return tests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s [options] MODULE -- TEST [TEST ...]",
    )
    parser.add_argument("module", help="the file to mutate, e.g. cors_core/_paths.py")
    parser.add_argument("tests", nargs="*", help="the tests to run (pytest paths or node ids)")
    parser.add_argument("--min-score", type=float, default=90.0, metavar="PERCENT")
    parser.add_argument(
        "--again",
        action="store_true",
        help="run only the last run's survivors again, with the tests copied anew",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="report the last run again (after editing the equivalents file)",
    )
    args = parser.parse_args(argv)
    module = Path(args.module).as_posix()
    if not (ROOT / module).is_file():
        parser.error(f"no such file: {module}")
    if not args.tests and not args.report_only:
        parser.error("name the tests to run after --")
    work = ROOT / "mutants" / module.removesuffix(".py").replace("/", ".")
    if not args.report_only:
        last_tests = _last_tests(work) if args.again else []
        prepare(module, args.tests, work, again=args.again)
        names: list[str] = []
        if args.again and last_tests == args.tests:
            names = [m.name for m in results(work, module, diffs=False) if m.status not in KILLED]
        elif args.again:  # mutmut forgets every verdict when the test selection changes
            print("the tests differ from the last run's: every mutant runs again")
            args.again = False
        digest = hashlib.sha256((work / module).read_bytes()).hexdigest()[:12]
        print(f"mutating {module} (sha256 {digest}) in {work.relative_to(ROOT)}")
        print(f"tests: {' '.join(args.tests)}")
        if args.again:
            print(f"again: the {len(names)} survivors of the last run")
        if names or not args.again:
            _mutmut(work, "run", "--max-children", "1", *names, log=work / "mutmut.log")
    score = report(module, results(work, module), load_equivalents(EQUIVALENTS))
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
