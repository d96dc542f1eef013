import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  INodeProperties,
  Icon,
} from "n8n-workflow";

/** A NetBox URL and API token for the Device Source node's NetBox source. */
export class VelocityCollectorNetBoxApi implements ICredentialType {
  name = "velocityCollectorNetBoxApi";

  displayName = "Velocity Collector NetBox API";

  icon: Icon = { light: "file:velocitycollector-netbox.svg", dark: "file:velocitycollector-netbox.dark.svg" };

  documentationUrl =
    "https://github.com/velocitycollector/node-red-contrib-velocitycollector/blob/main/docs/inventory.md";

  properties: INodeProperties[] = [
    {
      displayName: "NetBox URL",
      name: "url",
      type: "string",
      default: "",
      required: true,
      placeholder: "https://netbox.example.com",
    },
    {
      displayName: "API Token",
      name: "token",
      type: "string",
      typeOptions: { password: true },
      default: "",
      required: true,
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: "generic",
    properties: { headers: { Authorization: "=Token {{$credentials.token}}" } },
  };

  test: ICredentialTestRequest = {
    request: { baseURL: "={{$credentials.url.replace(/\\/+$/, '')}}", url: "/api/status/" },
  };
}
