import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("lab", "", "issue 4");
