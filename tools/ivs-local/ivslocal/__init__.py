"""ivs-local: a local emulator of Amazon IVS, IVS Real-Time and IVS Chat, driven by models/."""


def main(argv=None):
    from .server import main as run
    return run(argv)
