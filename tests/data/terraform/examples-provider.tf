# source: port-labs/terraform-provider-port-labs examples/provider.tf @ e26439a4d60132c81ce3547802679f7825453260 (symlinked from examples/resources/port_webhook/provider.tf)
terraform {
  required_providers {
    port = {
      source  = "port-labs/port-labs"
      version = "~> 2"
    }
  }
}
provider "port" {
  client_id = "" # or set the environment variable PORT_CLIENT_ID
  secret    = "" # or set the environment variable PORT_CLIENT_SECRET
  base_url  = "https://api.getport.io"
}
