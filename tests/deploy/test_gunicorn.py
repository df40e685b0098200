"""deploy/gunicorn.conf.py: sized by WEB_CONCURRENCY, and gunicorn's own lines are JSON."""

import json
import logging
import runpy
from pathlib import Path

from gunicorn.config import Config
from gunicorn.glogging import Logger

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def test_workers_come_from_web_concurrency(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert runpy.run_path(str(CONF))["workers"] == 5
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(CONF))["workers"] == 2


def test_gunicorn_lines_are_json_with_the_request_id_field(monkeypatch, capsys):
    monkeypatch.setenv("LOG_FORMAT", "json")
    settings = runpy.run_path(str(CONF))
    cfg = Config()
    cfg.set("logconfig_dict", settings["logconfig_dict"])
    cfg.set("errorlog", "-")
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        Logger(cfg).info("Booting worker with pid: %s", 42)
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        root.handlers[:], root.level = saved
    record = json.loads(line)
    assert (
        record["logger"] == "gunicorn.error" and record["message"] == "Booting worker with pid: 42"
    )
    assert "request_id" in record
