"""Shared by the *_fixtures.py scripts: compact JSON fixture files under fixtures/<suite>/."""
import base64
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


def f32_tensor(t):
    """A torch tensor as {"shape": [...], "f32": base64 of little-endian float32}."""
    a = t.detach().to('cpu').float().reshape(-1).numpy().astype('<f4')
    return {'shape': list(t.shape), 'f32': base64.b64encode(a.tobytes()).decode('ascii')}
