import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("creds", "", "issue 7");
