"""End-to-end: the built tree is usable (more suites arrive with the servers)."""
import os
import pathlib
import unittest

BUILD = pathlib.Path(os.environ.get("HATO_BUILD", "build-plain"))


class BuildTree(unittest.TestCase):
    def test_configured_build_exists(self):
        self.assertTrue((BUILD / "config.status").exists(), f"no configured build in {BUILD}")


if __name__ == "__main__":
    unittest.main()
