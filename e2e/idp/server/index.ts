export { ControlError, TenantControl } from "./control.ts";
export { MOCK_PASSWORD, TENANT_KINDS, type TenantKind } from "./kinds.ts";
export { type MockTenant, type MockTenantOptions, scimUrlOf, startMockTenant } from "./start.ts";
