"""gsmgateway: a self-hosted SMS gateway that drives USB GSM modems."""

__version__ = "0.1.0"
