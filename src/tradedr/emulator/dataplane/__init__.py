"""The lab's real data plane behind the emulator: MariaDB, the orders app, HAProxy."""
