import { tpl } from "../../support/textfsm-fixtures";

/**
 * Template semantics cases: template, input, and the rows Python's textfsm produces (checked
 * against the reference in reference.spec.ts). Rows are TextFSM rows (header order).
 */
export interface SemanticsCase {
  name: string;
  template: string;
  input: string;
  rows: unknown[][];
}

export const VALUE_CASES: SemanticsCase[] = [
  {
    name: "Filldown keeps a value across records until it changes",
    template: tpl(
      "Value Filldown IFACE (\\S+)",
      "Value ADDR (\\S+)",
      "",
      "Start",
      "  ^interface ${IFACE}",
      "  ^ address ${ADDR} -> Record",
      "",
      "EOF",
    ),
    input: "interface e0\n address a1\n address a2\ninterface e1\n address b1\n",
    rows: [
      ["e0", "a1"],
      ["e0", "a2"],
      ["e1", "b1"],
    ],
  },
  {
    name: "Filldown alone makes the implicit end-of-input record emit one extra row",
    template: tpl(
      "Value Filldown IFACE (\\S+)",
      "Value ADDR (\\S+)",
      "",
      "Start",
      "  ^interface ${IFACE}",
      "  ^ address ${ADDR} -> Record",
    ),
    input: "interface e0\n address a1\n",
    rows: [
      ["e0", "a1"],
      ["e0", ""],
    ],
  },
  {
    name: "Required skips a record without the value, and that clears the record",
    template: tpl(
      "Value Required NAME (\\w+)",
      "Value EXTRA (\\d+)",
      "",
      "Start",
      "  ^name=${NAME}",
      "  ^extra=${EXTRA}",
      "  ^end -> Record",
    ),
    input: "extra=1\nend\nname=x\nend\nextra=2\nname=y\n",
    rows: [
      ["x", ""],
      ["y", "2"],
    ],
  },
  {
    name: "List collects every capture of a record",
    template: tpl(
      "Value VLAN (\\d+)",
      "Value List PORTS (\\S+)",
      "",
      "Start",
      "  ^vlan ${VLAN}",
      "  ^  port ${PORTS}",
      "  ^end -> Record",
    ),
    input: "vlan 10\n  port a\n  port b\nend\nvlan 20\nend\n",
    rows: [
      ["10", ["a", "b"]],
      ["20", []],
    ],
  },
  {
    name: "List with inner named groups collects dicts (and the nested name assigns that Value)",
    template: tpl(
      "Value List PERSON ((?P<name>\\w+)\\s+(?P<age>\\d+))",
      "Value name (\\w+)",
      "",
      "Start",
      "  ^${PERSON}",
      "  ^end -> Record",
    ),
    input: "Bob 32\nAlice 28\nend\n",
    rows: [
      [
        [
          { name: "Bob", age: "32" },
          { name: "Alice", age: "28" },
        ],
        "Alice",
      ],
    ],
  },
  {
    name: "List,Filldown accumulates across records",
    template: tpl("Value List,Filldown ITEMS (\\w+)", "", "Start", "  ^${ITEMS} -> Record"),
    input: "one\non0\non1\n",
    rows: [[["one"]], [["one", "on0"]], [["one", "on0", "on1"]], [["one", "on0", "on1"]]],
  },
  {
    name: "List,Required drops the record whose list is empty",
    template: tpl(
      "Value List,Required ITEMS (\\w+)",
      "Value B (\\d+)",
      "",
      "Start",
      "  ^i ${ITEMS}",
      "  ^b ${B}",
      "  ^end -> Record",
      "",
      "EOF",
    ),
    input: "i x\nend\nb 1\nend\n",
    rows: [[["x"], ""]],
  },
  {
    name: "Fillup fills the empty cells of earlier rows until a filled one",
    template: tpl(
      "Value Col1 (\\d)",
      "Value Fillup Col2 (\\w)",
      "",
      "Start",
      "  ^${Col1} ${Col2}? -> Record",
      "",
      "EOF",
    ),
    input: "1 \n2 \n3 A\n4 \n5 B\n",
    rows: [
      ["1", "A"],
      ["2", "A"],
      ["3", "A"],
      ["4", "B"],
      ["5", "B"],
    ],
  },
  {
    name: "Key changes nothing in a single parse",
    template: tpl("Value Key NAME (\\w+)", "Value V (\\d+)", "", "Start", "  ^${NAME}=${V} -> Record"),
    input: "a=1\nb=2\n",
    rows: [
      ["a", "1"],
      ["b", "2"],
    ],
  },
  {
    name: "an optional group that does not take part overwrites the value with None",
    template: tpl("Value A (\\w+)", "Value B (\\d+)", "", "Start", "  ^a=${A}", "  ^b=(?:x${A}|${B}) -> Record"),
    input: "a=first\nb=7\n",
    rows: [["", "7"]],
  },
  {
    name: "an empty-string capture counts as content",
    template: tpl("Value A (\\d*)", "", "Start", "  ^a=${A} -> Record", "", "EOF"),
    input: "a=\n",
    rows: [[""]],
  },
];

export const ACTION_CASES: SemanticsCase[] = [
  {
    name: "Continue keeps the line for the next rules",
    template: tpl("Value A (\\w+)", "Value B (\\w+)", "", "Start", "  ^${A} -> Continue", "  ^${B} -> Record"),
    input: "one\non0\n",
    rows: [
      ["one", "one"],
      ["on0", "on0"],
    ],
  },
  {
    name: "Continue.Record records and goes on with the same line",
    template: tpl(
      "Value A (\\d+)",
      "Value B (\\w+)",
      "",
      "Start",
      "  ^${A} -> Continue.Record",
      "  ^\\d+ ${B}",
      "",
      "EOF",
    ),
    input: "1 x\n2 y\n",
    rows: [
      ["1", ""],
      ["2", "x"],
    ],
  },
  {
    name: "Clear keeps Filldown values, Clearall does not",
    template: tpl(
      "Value Filldown F (\\w+)",
      "Value V (\\d+)",
      "",
      "Start",
      "  ^f ${F}",
      "  ^v ${V}",
      "  ^clear -> Clear",
      "  ^wipe -> Clearall",
      "  ^rec -> Record",
      "",
      "EOF",
    ),
    input: "f keep\nv 1\nclear\nrec\nv 2\nwipe\nrec\nv 3\nrec\n",
    rows: [
      ["keep", ""],
      ["", "3"],
    ],
  },
  {
    name: "NoRecord is the default and does nothing",
    template: tpl("Value A (\\d+)", "", "Start", "  ^${A} -> NoRecord", "", "EOF"),
    input: "1\n2\n",
    rows: [],
  },
  {
    name: "state transitions take effect from the next line",
    template: tpl(
      "Value A (\\w+)",
      "Value B (\\w+)",
      "",
      "Start",
      "  ^begin -> Body",
      "",
      "Body",
      "  ^a ${A}",
      "  ^b ${B} -> Record Start",
    ),
    input: "a ignored\nbegin\na 1\nb 2\na 3\n",
    rows: [["1", "2"]],
  },
  {
    name: "-> End stops reading and suppresses the implicit record",
    template: tpl("Value A (\\w+)", "", "Start", "  ^stop -> End", "  ^${A}"),
    input: "one\nstop\ntwo\n",
    rows: [],
  },
  {
    name: "-> Record End records then stops",
    template: tpl("Value A (\\w+)", "", "Start", "  ^${A} -> Record End"),
    input: "one\ntwo\n",
    rows: [["one"]],
  },
  {
    name: "-> EOF without an EOF state still does the implicit record",
    template: tpl("Value A (\\w+)", "", "Start", "  ^stop -> EOF", "  ^${A}"),
    input: "one\nstop\ntwo\n",
    rows: [["one"]],
  },
  {
    name: "a declared EOF state suppresses the implicit record",
    template: tpl("Value A (\\w+)", "", "Start", "  ^${A}", "", "EOF"),
    input: "one\n",
    rows: [],
  },
  {
    name: "an all-empty record is not emitted and does not clear",
    template: tpl(
      "Value A (\\w+)",
      "Value B (\\d+)",
      "",
      "Start",
      "  ^sep -> Record",
      "  ^a ${A}",
      "  ^b ${B}",
      "",
      "EOF",
    ),
    input: "sep\na x\nsep\nb 1\n",
    rows: [["x", ""]],
  },
  {
    name: "$$ is the end anchor and unbraced $NAME substitutes too",
    template: tpl("Value Beer (\\w+)", "", "Start", "  ^$Beer$$ -> Record"),
    input: "ale\nale x\n",
    rows: [["ale"]],
  },
  {
    name: "a template without Values leaves $$ as written and never records",
    template: "\nStart\n  ^x$$ -> Record\n",
    input: "x\n",
    rows: [],
  },
  {
    name: "only one blank before -> leaves the others in the regex",
    template: tpl("Value A (\\w+)", "", "Start", "  ^${A}  -> Record", "", "EOF"),
    input: "one\ntwo \n",
    rows: [["two"]],
  },
  {
    name: "-> without whitespace before it belongs to the regex",
    template: tpl("Value A (\\d+)", "", "Start", "  ^a=${A}->Record", "", "EOF"),
    input: "a=1->Record\n",
    rows: [],
  },
];

export const REGEX_CASES: SemanticsCase[] = [
  {
    name: "re.match anchors every top-level alternative at the start",
    template: tpl("Value A (\\w+)", "", "Start", "  ^VRF|Adj${A} -> Record", "", "EOF"),
    input: "xx Adjfoo\nAdjbar\nVRF\n",
    // "VRF" matches the first alternative; A does not take part, so that record is all-empty.
    rows: [["bar"]],
  },
  {
    name: "an optional group whose body can match empty captures '' as Python does",
    template: tpl("Value A (x)", "Value B (\\w*)", "", "Start", "  ^${A}(?:\\s*${B})? -> Record", "", "EOF"),
    input: "x\n",
    rows: [["x", ""]],
  },
  {
    name: "a named group skipped in the last iteration of a repeat keeps an earlier capture (Python)",
    template: tpl(
      "Value CAP (\\w+)",
      "Value PORT (\\S+)",
      "",
      "Start",
      "  ^p\\s+((?P<CAP>\\w+)?\\s)+${PORT}$$ -> Record",
      "",
      "EOF",
    ),
    input: "p  BR  R   Eth1\n",
    rows: [["R", "Eth1"]],
  },
  {
    name: "{,n} means {0,n}",
    template: tpl("Value A (\\d+)", "", "Start", "  ^x\\s{,2}${A} -> Record", "", "EOF"),
    input: "x  1\nx   2\n",
    rows: [["1"]],
  },
  {
    name: "a quantified lookbehind is accepted",
    template: tpl("Value A ([\\w\\s]+)", "", "Start", "  ^${A}(?<=[^\\s])+\\s*$$ -> Record", "", "EOF"),
    input: "ab cd  \n",
    rows: [["ab cd"]],
  },
  {
    name: "literal { } ] and escaped punctuation stay literal",
    template: tpl("Value A (\\d+)", "", "Start", "  ^\\{master:${A}\\}\\s\\:\\#] -> Record", "", "EOF"),
    input: "{master:3} :#]\n",
    rows: [["3"]],
  },
  {
    name: "lines split where Python's splitlines splits (\\x85 too); \\Z ends the line",
    template: tpl("Value A (.+)", "", "Start", "  ^=${A}\\Z -> Record", "", "EOF"),
    input: "=a\u0085b\n",
    rows: [["a"]],
  },
  {
    name: "octal and \\x escapes",
    template: tpl("Value A (\\d+)", "", "Start", "  ^\\101\\x42${A} -> Record", "", "EOF"),
    input: "AB12\n",
    rows: [["12"]],
  },
];
