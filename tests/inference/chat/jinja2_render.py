#!/usr/bin/python3
"""Render chat templates with Debian's python3-jinja2 exactly as ../shared/testdata/templates/render.py
(and transformers) configure it, for tst_jinja_differential.

usage: jinja2_render.py BATCH.json   where BATCH is
  {"template": PATH, "bos_token": B|null, "eos_token": E|null,
   "cases": [{"messages": [...], "add_generation_prompt": bool}, ...]}
prints a JSON list, one {"text": ...} or {"error": "Type: message"} per case. "source": TEXT may
stand for "template": PATH; a JSON list of batches prints a list of such lists.
"""
import datetime
import json
import sys

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXED_DATE = datetime.datetime(2024, 7, 26)


class TemplateError(Exception):
    pass


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def render_batch(batch):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters['tojson'] = tojson
    env.globals['raise_exception'] = raise_exception
    env.globals['strftime_now'] = lambda fmt: FIXED_DATE.strftime(fmt)
    results = []
    try:
        source = batch['source'] if 'source' in batch else open(batch['template'], encoding='utf-8').read()
        template = env.from_string(source)
    except Exception as e:  # noqa: BLE001 -- the exception is the result
        template, error = None, '%s: %s' % (type(e).__name__, e)
    for case in batch['cases']:
        if template is None:
            results.append({'error': error})
            continue
        try:
            text = template.render(messages=case['messages'], tools=None, documents=None,
                                   add_generation_prompt=case['add_generation_prompt'], date_string='26 Jul 2024',
                                   bos_token=batch['bos_token'], eos_token=batch['eos_token'])
            results.append({'text': text})
        except Exception as e:  # noqa: BLE001
            results.append({'error': '%s: %s' % (type(e).__name__, e)})
    return results


def main():
    batch = json.load(open(sys.argv[1], encoding='utf-8'))
    results = [render_batch(b) for b in batch] if isinstance(batch, list) else render_batch(batch)
    sys.stdout.write(json.dumps(results, ensure_ascii=False))


if __name__ == '__main__':
    main()
