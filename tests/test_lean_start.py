"""The web process starts lean: what only some work needs is imported by that work, not by the app factory."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Loaded where used only: openpyxl (templates and uploads; numpy comes with it when installed) and the test
#: tools, which the app never imports.
NOT_AT_START = ("openpyxl", "numpy", "hypothesis", "schemathesis", "pytest")


def test_the_app_factory_imports_no_module_that_only_some_work_needs(tmp_path):
    script = (
        "import json, sys\n"
        "from app import create_app\n"
        "create_app()\n"
        f"print(json.dumps(sorted(m for m in {NOT_AT_START!r} if m in sys.modules)))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/lean.db",
           "LOG_JSON": "0"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_writing_the_summary_needs_no_openpyxl_but_a_template_still_loads_it(tmp_path):
    script = (
        "import io, json, sys\n"
        "from app.exports.xlsx import Column, write_template, write_xlsx\n"
        "write_xlsx(io.BytesIO(), [Column('姓名')], [['张三']])\n"
        "before = 'openpyxl' in sys.modules\n"
        "write_template(io.BytesIO(), [Column('姓名')], sheet_title='申请表')\n"
        "print(json.dumps([before, 'openpyxl' in sys.modules]))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "INSTANCE_DIR": str(tmp_path), "LOG_JSON": "0"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == [False, True]
