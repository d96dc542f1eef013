import { compileTemplate } from "../textfsm";

/** Throws the engine's located template_error (template name, line, what is wrong) when `text`
 *  is not a usable TextFSM template. Used before a user template is stored. */
export function validateTemplateText(text: string, name: string): void {
  compileTemplate(text, name.endsWith(".textfsm") ? name : `${name}.textfsm`);
}
