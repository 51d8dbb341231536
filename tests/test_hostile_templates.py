"""Templates are code: reviewed like Python, and given the content and nothing else.

The README's "Security" section sets out the model. What a test can hold to is the
second half: the names a template can read are the site's own, and none of them
is, or holds, the process environment where CI keeps its secrets.
"""

from __future__ import annotations

import os
import types

import jinja2
import jinja2.sandbox

from mlguide.pipeline import BuildCache, Settings, prepare

from .conftest import ROOT, SiteDir

OWN_GLOBALS = {"site", "sectors", "cities", "nav", "today", "index", "links", "asset", "present",
               "job_posting", "anchors", "fragment"}


def test_a_templates_context_is_the_sites_own_and_holds_no_environment(site: SiteDir) -> None:
    import datetime as dt

    settings = Settings(content=site.content, templates=ROOT / "templates",
                        static=ROOT / "static", out=site.out, today=dt.date(2026, 11, 25))
    env = prepare(settings, BuildCache()).renderer.env
    jinja_defaults = set(jinja2.Environment().globals)
    assert set(env.globals) - jinja_defaults == OWN_GLOBALS
    for name in OWN_GLOBALS:
        value = env.globals[name]
        assert value is not os.environ and value is not os, name
        if isinstance(value, types.ModuleType):  # present: the helpers that word values
            assert not any(v is os or v is os.environ for v in vars(value).values()), name
    assert not isinstance(env, jinja2.sandbox.SandboxedEnvironment), \
        "the README says templates are trusted code; change it there first"
