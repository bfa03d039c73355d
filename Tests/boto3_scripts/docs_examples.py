"""The Python examples of docs/python.md, as files: each ```python block of the page, in order."""
import os
import re

from .conftest import ROOT

DOC = os.path.join(ROOT, "docs", "python.md")
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def examples():
    """[(name, source)] of the page's Python blocks."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    return [(f"python_md_example_{n}", m.group(1)) for n, m in enumerate(BLOCK.finditer(text), 1)]


def write_examples(directory):
    """Writes every example as <name>.py into directory; returns the paths."""
    paths = []
    for name, source in examples():
        path = os.path.join(directory, name + ".py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        paths.append(path)
    return paths
