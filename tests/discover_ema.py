#!/usr/bin/env python3
"""EMA Workbench's PRIM on a CSV of cases, for tests/discover.rs to compare govsim's PRIM with.

    python3 tests/discover_ema.py --venv DIR CASES.csv OUT.json

CASES.csv has one column per factor and a last column `y` (1: case of interest, 0: not).
The script runs `ema_workbench.analysis.prim.Prim` with its defaults (objective lenient1,
peel_alpha 0.05, paste_alpha 0.05, mass_min 0.05) and `find_box()`, and writes OUT.json: the
peeling and pasting trajectory (coverage, density, mass, res_dim, n, k per step), every step's
box limits, and the quasi-p-values of the last box.

ema_workbench is installed, if need be, into a virtual environment at DIR (pinned to
EMA_VERSION; about 30 s and 600 MB the first time), and the script reruns itself there. Exit
code 77 means "skip": Python cannot make a virtual environment, or the package registry
cannot be reached; the reason is printed. Any other failure is an error.
"""

import json
import os
import subprocess
import sys

EMA_VERSION = "2.5.3"
SKIP = 77

# pip's words for a registry it cannot reach (rather than a package it cannot install)
NETWORK_ERRORS = (
    "NewConnectionError",
    "ConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Name or service not known",
    "Network is unreachable",
    "No route to host",
    "Connection refused",
    "timed out",
    "ProxyError",
    "SSLError",
)


def skip(reason):
    print(f"skip: {reason}", file=sys.stderr)
    sys.exit(SKIP)


def venv_python(venv):
    return os.path.join(venv, "bin", "python")


def ensure_venv(venv):
    """A virtual environment at `venv` with ema_workbench installed; its python."""
    marker = os.path.join(venv, f".ema_workbench-{EMA_VERSION}-installed")
    python = venv_python(venv)
    if os.path.exists(marker) and os.path.exists(python):
        return python
    if os.path.exists(venv):
        # an install that did not finish: start again
        import shutil

        shutil.rmtree(venv)
    made = subprocess.run([sys.executable, "-m", "venv", venv], capture_output=True, text=True)
    if made.returncode != 0:
        skip(f"{sys.executable} cannot make a virtual environment: {made.stderr.strip() or made.stdout.strip()}")
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "--retries", "1", "--timeout", "30"]
    installed = subprocess.run(pip + [f"ema_workbench=={EMA_VERSION}"], capture_output=True, text=True)
    if installed.returncode != 0:
        text = installed.stdout + installed.stderr
        said = [line.strip() for line in text.splitlines() if any(e in line for e in NETWORK_ERRORS)]
        if said:
            skip(f"the package registry cannot be reached to install ema_workbench: {said[0]}")
        sys.exit(f"pip could not install ema_workbench=={EMA_VERSION}:\n{text}")
    open(marker, "w").close()
    return python


def run_prim(cases, out):
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    import numpy as np
    import pandas as pd
    from ema_workbench.analysis import prim

    data = pd.read_csv(cases, dtype=float)
    y = data.pop("y").to_numpy().astype(int)
    # defaults: lenient1, alphas 0.05, mass_min 0.05. The threshold is the density a box must
    # reach to be kept (else find_box returns the first box); the trajectory does not depend on
    # it, so it is set low enough that the last box is always kept.
    p = prim.Prim(data, y, threshold=0.01)
    box = p.find_box()
    t = box.peeling_trajectory
    limits = [
        {c: [float(b.loc[0, c]), float(b.loc[1, c])] for c in data.columns} for b in box.box_lims
    ]
    qp = {c: [float(v) for v in vs] for c, vs in box.qp[-1].items()}
    result = {
        "ema_workbench": __import__("ema_workbench").__version__,
        "coverage": t["coverage"].astype(float).tolist(),
        "density": t["density"].astype(float).tolist(),
        "mass": t["mass"].astype(float).tolist(),
        "res_dim": t["res_dim"].astype(int).tolist(),
        "n": t["n"].astype(int).tolist(),
        "k": t["k"].astype(int).tolist(),
        "limits": limits,
        "qp_last": qp,
    }
    with open(out, "w") as f:
        json.dump(result, f)


def main():
    args = sys.argv[1:]
    if len(args) != 4 or args[0] != "--venv":
        sys.exit("usage: discover_ema.py --venv DIR CASES.csv OUT.json")
    venv, cases, out = args[1], args[2], args[3]
    if os.path.realpath(sys.prefix) != os.path.realpath(venv):
        python = ensure_venv(venv)
        os.execv(python, [python, os.path.abspath(__file__)] + args)
    run_prim(cases, out)


if __name__ == "__main__":
    main()
