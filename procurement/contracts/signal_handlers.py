"""Contracts' reactions to orders' signals and the catalogue's events. Wired in ContractsConfig.ready()."""
