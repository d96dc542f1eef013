import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("search", "", "issue 9");
