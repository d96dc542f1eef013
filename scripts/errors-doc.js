#!/usr/bin/env node
// npm run docs:errors: writes docs/errors.md from the error-class catalogue (lib/core/error-classes.ts).
"use strict";
require("tsx/cjs");
const fs = require("node:fs");
const path = require("node:path");
const { renderErrorClassesMarkdown } = require("../lib/core/error-classes.ts");

const file = path.resolve(__dirname, "..", "docs", "errors.md");
fs.writeFileSync(file, renderErrorClassesMarkdown());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
