"""Shared by the *_fixtures.py scripts: compact JSON fixture files under fixtures/<suite>/."""
import json
import os


def write_json(out_dir, name, obj):
    """Writes obj as one line of compact JSON to out_dir/name and says so."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    with open(path, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)')
