import * as assert from "node:assert/strict";
import { TerminalScreen, renderTerminalText, stripAnsi } from "../../../lib/core/ssh/terminal";

/** Feeds the text one byte at a time, to prove chunk boundaries never matter. */
function renderBytewise(text: string): string {
  const screen = new TerminalScreen();
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i++) screen.feed(bytes.subarray(i, i + 1));
  return screen.text();
}

describe("ssh/terminal: rendering device output as a terminal shows it", () => {
  it("turns \\r\\n, \\r\\r\\n (NX-OS) and \\n\\r line ends into plain lines", () => {
    assert.equal(renderTerminalText("a\r\nb\r\r\nc\n\rd"), "a\nb\nc\nd");
  });

  it("applies backspaces and carriage-return overwrites, trimming the residue", () => {
    assert.equal(renderTerminalText("show ver\b\b\bversion\r\n"), "show version\n");
    assert.equal(renderTerminalText("---(more 50%)---\r                \rnext line\r\n"), "next line\n");
  });

  it("keeps trailing spaces the device really sent on lines it did not repaint", () => {
    assert.equal(renderTerminalText("Gi0/1   up   \r\nx"), "Gi0/1   up   \nx");
  });

  it("erases a line with ESC[K, ESC[2K and cursor-left ESC[nD", () => {
    assert.equal(renderTerminalText("  ---- More ----\x1b[16D                \x1b[16Dreal\r\n"), "real\n");
    assert.equal(renderTerminalText("-- MORE --\x1b[2K\rnext\r\n"), "next\n");
    assert.equal(renderTerminalText("abcdef\x1b[3D\x1b[Kxy\r\n"), "abcxy\n");
  });

  it("removes colours, private modes (bracketed paste), window titles and charset selections", () => {
    const text = "\x1b]0;root@vm: ~\x07\x1b[?2004h\x1b[01;32mroot@vm\x1b[00m:~# \x1b(B";
    assert.equal(renderTerminalText(text), "root@vm:~# ");
    assert.equal(stripAnsi(text), "root@vm:~# ");
  });

  it("handles ProCurve's cursor positioning before the prompt", () => {
    assert.equal(renderTerminalText("done\r\n\x1b[1;24r\x1b[24;1H\x1b[2Ksw1# \x1b[?25h"), "done\nsw1#");
  });

  it("gives the same result whatever the chunk boundaries (UTF-8 and escapes split)", () => {
    const text = "Ger\u00e4t \u2713\r\n\x1b[7m--More--\x1b[27m\x1b[2K\rnext \u00fc\r\n\x1b]0;title\x07R1#";
    assert.equal(renderBytewise(text), renderTerminalText(text));
    assert.equal(renderTerminalText(text), "Ger\u00e4t \u2713\nnext \u00fc\nR1#");
  });

  it("exposes the unfinished last line separately from complete lines", () => {
    const screen = new TerminalScreen();
    screen.feed("line one\r\nline two\r\nR1#");
    assert.deepEqual(screen.lines, ["line one", "line two"]);
    assert.equal(screen.currentLine, "R1#");
    screen.clearCurrentLine();
    assert.equal(screen.currentLine, "");
  });

  it("after a cleared pager keeps the next line's own trailing blanks, whatever the erase style", () => {
    const erases = [
      "\b".repeat(10) + " ".repeat(10) + "\b".repeat(10),
      "\r" + " ".repeat(10) + "\r",
      "\r\x1b[K",
      "\x1b[10D" + " ".repeat(10) + "\x1b[10D",
      "",
    ];
    for (const erase of erases) {
      const screen = new TerminalScreen();
      screen.feed("first\r\n --More-- ");
      assert.equal(screen.currentLine, " --More-- ");
      screen.clearCurrentLine();
      screen.feed(erase + "ab  \r\n   indented \r\n");
      assert.deepEqual(screen.lines, ["first", "ab  ", "   indented "], JSON.stringify(erase));
    }
  });

  it("in strip mode removes escapes without interpreting cursor moves", () => {
    const screen = new TerminalScreen("strip");
    screen.feed("abc\x1b[2Dxy\x1b[31m!\r\n");
    assert.deepEqual(screen.lines, ["abcxy!"]);
  });
});
