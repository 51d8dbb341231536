// decap-server (the CMS's local backend) on 127.0.0.1, on a port the system picks.
//
// decap-server's own command prints the port it was told, not the one it got, so
// it cannot be given 0. This starts its documented middleware (registerLocalFs, the
// "fs" mode: files written in the working folder) on an express app of its own
// dependencies, listens on 127.0.0.1:0 and prints the port it got:
//
//     node tests/decap_server.js   =>   decap-server listening on 127.0.0.1:41234
"use strict";
const path = require("path");

const server = path.dirname(require.resolve("decap-server/package.json"));
const express = require(require.resolve("express", { paths: [server] }));
const { registerLocalFs } = require("decap-server/dist/middlewares");

async function main() {
  const app = express();
  await registerLocalFs(app, { logLevel: "warn" });
  const listener = app.listen(0, "127.0.0.1", () => {
    const { address, port } = listener.address();
    console.log(`decap-server listening on ${address}:${port}`);
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
