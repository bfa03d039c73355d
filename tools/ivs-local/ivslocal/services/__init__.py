"""Service modules: each exposes HANDLERS and CONTROL (see ivslocal.common)."""

# service name (design.md) -> module name in this package
MODULES = {'ivs': 'ivs', 'ivs-realtime': 'realtime', 'ivschat': 'chat'}
