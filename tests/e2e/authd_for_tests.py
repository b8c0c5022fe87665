"""Helper for e2e tests: with HATO_AUTH=daemon in the environment, the login programs talk to
authdaemond, so the test starts one on a private directory with its authdaemonrc and points
AUTHDAEMONVAR at it. Without it, nothing is started (the login parent authenticates in process).
"""
import os
import pathlib
import subprocess
import time


class Authd:
    def __init__(self, build, rc, workdir):
        self.proc = None
        self.env = {}
        if os.environ.get("HATO_AUTH") != "daemon":
            return
        sockdir = workdir / "authdaemon"
        sockdir.mkdir()
        self.log = open(workdir / "authdaemond.log", "wb")
        # The login programs apply their own failure delay; authdaemond's growing per-IP
        # delay (every test connects from 127.0.0.1) would only stretch the suites.
        daemon_rc = workdir / "authdaemonrc.daemon"
        daemon_rc.write_text(pathlib.Path(rc).read_text() + "\nAUTHFAILDELAY=50\n")
        self.proc = subprocess.Popen([str(build / "authlib" / "authdaemond"), "-e", "-f",
                                      str(daemon_rc), "-d", str(sockdir)], stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        for _ in range(200):
            if (sockdir / "socket").exists() and (sockdir / "auth-client").exists():
                break
            time.sleep(0.05)
        else:
            raise AssertionError("authdaemond did not create its sockets")
        self.env = {"HATO_AUTH": "daemon", "AUTHDAEMONVAR": str(sockdir)}

    def stop(self):
        if self.proc is None:
            return
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()
