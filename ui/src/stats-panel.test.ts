import { describe, expect, it } from "vitest";
import { hostLine } from "./stats-panel";

describe("hostLine", () => {
  it("names CPUs, memory and Docker's free disk, and warns when it runs low", () => {
    const host = {
      cpus: 2, cpu_percent: 12.4, memory_used_bytes: 3_200_000_000, memory_total_bytes: 24_000_000_000,
      data_disk: { docker_root: "/var/lib/docker", mount_point: "/", free_bytes: 51_000_000_000, total_bytes: 271_000_000_000, low: false },
      data_elsewhere: null as string | null,
    };
    expect(hostLine(host)).toBe("2 CPUs at 12 % · memory 3.2 GB of 24 GB · Docker data: 51 GB free of 271 GB");
    expect(hostLine({ ...host, data_disk: { ...host.data_disk, low: true } })).toContain("LOW SPACE — Docker data");
    expect(hostLine({ ...host, data_disk: null })).toBe("2 CPUs at 12 % · memory 3.2 GB of 24 GB");
    const inVm = "inside the virtual machine running Docker Desktop (4 CPUs, 7.700GiB): its disk cannot be seen from here";
    expect(hostLine({ ...host, data_disk: null, data_elsewhere: inVm })).toBe(
      `2 CPUs at 12 % · memory 3.2 GB of 24 GB · Docker data: ${inVm}`,
    );
  });
});
