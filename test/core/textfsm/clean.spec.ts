import * as assert from "node:assert";
import { cleanOutput } from "../../../lib/core/textfsm";

describe("textfsm cleanOutput", () => {
  it("removes the echoed command line (with or without its prompt) and a trailing prompt", () => {
    assert.strictEqual(
      cleanOutput("router#show version\nCisco IOS\nrouter#", { command: "show version" }),
      "Cisco IOS",
    );
    assert.strictEqual(cleanOutput("show version\nCisco IOS\n", { command: "show version" }), "Cisco IOS\n");
    assert.strictEqual(cleanOutput("user@srx> show route\nline\nuser@srx> ", { command: "show route" }), "line");
    assert.strictEqual(cleanOutput("<HUAWEI>display version\nVRP\n<HUAWEI>", { command: "display version" }), "VRP");
  });

  it("keeps a first line that only ends like the command but is data", () => {
    assert.strictEqual(
      cleanOutput("Last change: show version\nx", { command: "show version" }),
      "Last change: show version\nx",
    );
  });

  it("uses the given prompt when there is one", () => {
    assert.strictEqual(cleanOutput("a\nb\nsw1(config)#", { prompt: "sw1(config)#" }), "a\nb");
    assert.strictEqual(cleanOutput("a\nb#", { prompt: "sw1#" }), "a\nb#");
  });

  it("removes --More-- pager prompts and the backspaces/spaces that erase them", () => {
    const raw = "line 1\n --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\bline 2\nline 3";
    assert.strictEqual(cleanOutput(raw), "line 1\nline 2\nline 3");
    assert.strictEqual(cleanOutput("a\n---- More ----\r                \rb\n"), "a\nb\n");
    assert.strictEqual(cleanOutput("a\n<--- More --->\nb"), "a\nb");
    assert.strictEqual(cleanOutput("a\n  -- More --  \nb"), "a\nb");
    assert.strictEqual(cleanOutput("a\n\nb"), "a\n\nb");
  });

  it("removes ANSI escape sequences and applies carriage-return overwrites", () => {
    assert.strictEqual(cleanOutput("\x1b[?2004h\x1b[1mbold\x1b[0m text\nabc\rxy\n"), "bold text\nxyc\n");
  });

  it("normalises CRLF line ends and leaves ordinary output alone", () => {
    assert.strictEqual(cleanOutput("a\r\nb\r\n"), "a\nb\n");
    const plain = "Interface  IP-Address  OK? Method Status  Protocol\nGi0/1      10.0.0.1    YES NVRAM  up      up\n";
    assert.strictEqual(cleanOutput(plain, { command: "show ip interface brief" }), plain);
  });
});
