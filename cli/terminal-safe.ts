/**
 * Text from devices and inventories (device names, capture types, output lines, error texts) is
 * untrusted: an escape sequence in it could rewrite the terminal (move the cursor, hide lines,
 * set the window title, paste into the shell). Before it is printed, C0/C1 control characters,
 * DEL and the bidirectional-override characters are shown as visible escapes (\x1b, \u202e);
 * a tab stays a tab. JSON output needs none of this (JSON.stringify escapes controls itself).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
