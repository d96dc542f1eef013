import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("textfsm", "", "issue 3");
