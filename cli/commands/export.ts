import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("export", "", "issue 9");
