import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("collect", "", "issue 7");
