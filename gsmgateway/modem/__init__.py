"""One modem: serial transport, AT command execution, init, health, sending and receiving."""
