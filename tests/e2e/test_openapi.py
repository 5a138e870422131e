"""docs/openapi.yaml describes every route the server registers."""
import json
import re

import yaml

from conftest import ROOT, run_cli


def test_every_registered_route_is_documented(data_dir):
    (data_dir / "strongroom.toml").write_text("[diagnostics]\necho = true\n")
    routes = json.loads(run_cli("routes", "--config", str(data_dir / "strongroom.toml")).stdout)
    assert routes, "no routes registered"
    spec = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
    assert spec["openapi"].startswith("3.1")
    missing = []
    for r in routes:
        path = re.sub(r"\{([^}]+?)\.\.\.\}", r"{\1}", r["pattern"])
        if r["method"].lower() not in spec["paths"].get(path, {}):
            missing.append(f'{r["method"]} {path}')
    assert not missing, "undocumented routes: " + ", ".join(missing)
