import { NotImplementedCommand } from "../command";

export const command = new NotImplementedCommand("vault", "", "issue 5");
