// SPDX-License-Identifier: GPL-2.0
/* ctr spec: the default config.json, the same shape runc and crun write. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"

static const char default_spec[] =
"{\n"
"  \"ociVersion\": \"1.0.2\",\n"
"  \"process\": {\n"
"    \"terminal\": false,\n"
"    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
"    \"args\": [ \"sh\" ],\n"
"    \"env\": [ \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", \"TERM=xterm\" ],\n"
"    \"cwd\": \"/\",\n"
"    \"capabilities\": {\n"
"      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
"      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
"    },\n"
"    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
"    \"noNewPrivileges\": true\n"
"  },\n"
"  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
"  \"hostname\": \"ctr\",\n"
"  \"mounts\": [\n"
"    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
"    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
"    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\" ] },\n"
"    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
"    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
"    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
"    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\", \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n"
"  ],\n"
"  \"linux\": {\n"
"    \"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },\n"
"    \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" }, { \"type\": \"mount\" }, { \"type\": \"cgroup\" } ],\n"
"    \"maskedPaths\": [ \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\" ],\n"
"    \"readonlyPaths\": [ \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\" ]\n"
"  }\n"
"}\n";

/* The default config.json as JSON (the caller owns it). */
json_object *ctr_default_spec(bool rootless)
{
	json_object *o = json_tokener_parse(default_spec), *lnx;
	static const char *const types[] = { "pid", "ipc", "uts", "mount", "cgroup", "user" };
	size_t i;

	if (!o || !rootless)
		return o;
	/* A user namespace mapping the caller's ids to root, no network namespace. */
	json_object *ns = json_object_new_array(), *m;

	json_object_object_get_ex(o, "linux", &lnx);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		m = json_object_new_object();
		json_object_object_add(m, "type", json_object_new_string(types[i]));
		json_object_array_add(ns, m);
	}
	json_object_object_add(lnx, "namespaces", ns);
	for (i = 0; i < 2; i++) {
		json_object *arr = json_object_new_array();

		m = json_object_new_object();
		json_object_object_add(m, "containerID", json_object_new_int(0));
		json_object_object_add(m, "hostID",
				       json_object_new_int64(i ? (int64_t)getgid() : (int64_t)getuid()));
		json_object_object_add(m, "size", json_object_new_int(1));
		json_object_array_add(arr, m);
		json_object_object_add(lnx, i ? "gidMappings" : "uidMappings", arr);
	}
	return o;
}

int ctr_write_spec(const char *bundle, bool rootless)
{
	char path[4200];
	json_object *o;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	if (access(path, F_OK) == 0) {
		ctr_err("%s exists: remove it first (ctr spec does not overwrite)", path);
		return -EEXIST;
	}
	o = ctr_default_spec(rootless);
	if (json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY |
				    JSON_C_TO_STRING_NOSLASHESCAPE)) {
		ctr_err("writing %s: %s", path, json_util_get_last_err());
		ret = -EIO;
	}
	json_object_put(o);
	return ret;
}
