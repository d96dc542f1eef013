import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("templates", "", "issue 8");
