import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("inventory", "", "issue 6");
