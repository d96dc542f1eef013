// Preload for `node-red-dev validate`: catalogue.nodered.org is not reachable from CI, so the
// catalogue look-up (P08 similar names, N01 duplicate types) is answered with an empty catalogue.
// Every other check runs for real (the npm registry is reachable).
"use strict";
const Module = require("node:module");
const originalLoad = Module._load;
const CATALOGUE = /catalogue\.nodered\.org/;
Module._load = function (request) {
  const loaded = originalLoad.apply(this, arguments);
  if (request === "axios" && loaded && !loaded.__vcStubbed) {
    const get = loaded.get.bind(loaded);
    loaded.get = (url, ...rest) =>
      CATALOGUE.test(String(url)) ? Promise.resolve({ status: 200, data: { modules: [] } }) : get(url, ...rest);
    if (loaded.default && loaded.default.get) loaded.default.get = loaded.get;
    loaded.__vcStubbed = true;
  }
  return loaded;
};
