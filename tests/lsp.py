"""A minimal Language Server Protocol client for yaml-language-server, the editors' YAML checker.

VS Code's YAML extension, Neovim, Helix and others run this same server; the
tests open documents in it and read back what an editor would underline.
"""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path
from typing import Any

from .conftest import ROOT

SERVER = ROOT / "node_modules/yaml-language-server/bin/yaml-language-server"
# No schema store or Kubernetes catalogue: the server would fetch them from the internet.
SETTINGS = {"validate": True, "completion": True, "hover": True, "format": {"enable": False},
            "schemaStore": {"enable": False}, "kubernetesCRDStore": {"enable": False}}


class YamlLanguageServer:
    """One yaml-language-server over stdio; answers its requests, collects its replies."""

    def __init__(self, workspace: Path) -> None:
        self.process = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.changed = threading.Condition()
        self.replies: dict[int, Any] = {}
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {
            "processId": None, "rootUri": workspace.as_uri(),
            "workspaceFolders": [{"uri": workspace.as_uri(), "name": workspace.name}],
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["plaintext"]}}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        data = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers = {}
            while (line := stream.readline().decode().strip()):
                name, _, value = line.partition(": ")
                headers[name] = value
            if not headers:
                return  # the server has gone
            message = json.loads(stream.read(int(headers["Content-Length"])))
            if "method" in message and "id" in message:  # the server asks: answer
                items = message.get("params", {}).get("items", [])
                result = [SETTINGS if i.get("section") == "yaml" else None for i in items] \
                    if message["method"] == "workspace/configuration" else None
                self._send({"id": message["id"], "result": result})
            with self.changed:
                if message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    self.diagnostics[params["uri"]] = params["diagnostics"]
                elif "id" in message:
                    self.replies[message["id"]] = message.get("result")
                self.changed.notify_all()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = 30) -> Any:
        self.next_id += 1
        ask = self.next_id
        self._send({"id": ask, "method": method, "params": params})
        with self.changed:
            assert self.changed.wait_for(lambda: ask in self.replies, timeout), method
            return self.replies.pop(ask)

    def open(self, path: Path, text: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Open a document as an editor would; the problems the server flags in it."""
        return self.open_all({path: text}, timeout)[path]

    def open_all(self, documents: dict[Path, str],
                 timeout: float = 30) -> dict[Path, list[dict[str, Any]]]:
        """Open several documents at once; the problems flagged in each.

        The server checks a document some 200 ms after it last changed: opened one at a
        time, each waits out that delay alone; opened together, they wait it out at once.
        """
        uris = {path: path.as_uri() for path in documents}
        for path, text in documents.items():
            self.notify("textDocument/didOpen", {"textDocument": {
                "uri": uris[path], "languageId": "yaml", "version": 1, "text": text}})
        with self.changed:
            assert self.changed.wait_for(
                lambda: all(uri in self.diagnostics for uri in uris.values()), timeout), \
                [path for path, uri in uris.items() if uri not in self.diagnostics]
            return {path: self.diagnostics[uri] for path, uri in uris.items()}

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
