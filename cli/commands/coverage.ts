import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("coverage", "", "issue 9");
