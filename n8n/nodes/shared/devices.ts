import type { IDataObject } from "n8n-workflow";
import { normaliseDevices } from "../../../lib/core/inventory";
import type { Device } from "../../../lib/core/types";

/** The devices of one input item: the item itself, or its `devices` list (Device Source "all" or "batch"). */
export function devicesOfItem(json: IDataObject, index: number): Device[] {
  return Array.isArray(json.devices)
    ? normaliseDevices(json.devices, `item ${index}.devices`)
    : normaliseDevices(json, `item ${index}`);
}
