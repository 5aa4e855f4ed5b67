# Snapshots, clones, VM variables, hardware and tools, and the families
# vSphere does not have (SPEC-VM 13). Included by Simple.xs.

void
VMCreateSnapshot(vmHandle, name, description, options, propertyListHandle)
    SV* vmHandle
    SV* name
    SV* description
    SV* options
    SV* propertyListHandle
  PPCODE:
    int snap = 0;
    const vix::Status s = vix::vm_create_snapshot(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ name),
                                                  to_str_arg(aTHX_ description), to_int_arg(aTHX_ options),
                                                  to_int_arg(aTHX_ propertyListHandle), snap);
    PUSH_STATUS_AND_HANDLE(s, snap);

void
VMRemoveSnapshot(vmHandle, snapshotHandle, options)
    SV* vmHandle
    SV* snapshotHandle
    SV* options
  PPCODE:
    PUSH_STATUS(vix::vm_remove_snapshot(to_handle(aTHX_ vmHandle), to_handle(aTHX_ snapshotHandle),
                                        to_int_arg(aTHX_ options)));

void
VMRevertToSnapshot(vmHandle, snapshotHandle, options, propertyListHandle)
    SV* vmHandle
    SV* snapshotHandle
    SV* options
    SV* propertyListHandle
  PPCODE:
    PUSH_STATUS(vix::vm_revert_to_snapshot(to_handle(aTHX_ vmHandle), to_handle(aTHX_ snapshotHandle),
                                           to_int_arg(aTHX_ options), to_int_arg(aTHX_ propertyListHandle)));

void
VMGetNumRootSnapshots(vmHandle)
    SV* vmHandle
  PPCODE:
    int n = 0;
    const vix::Status s = vix::vm_get_num_root_snapshots(to_handle(aTHX_ vmHandle), n);
    PUSH_STATUS(s);
    if (s.ok()) XPUSHs(sv_2mortal(newSViv((IV)n)));

void
VMGetRootSnapshot(vmHandle, index)
    SV* vmHandle
    SV* index
  PPCODE:
    int snap = 0;
    const vix::Status s = vix::vm_get_root_snapshot(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ index), snap);
    PUSH_STATUS_AND_HANDLE(s, snap);

void
VMGetCurrentSnapshot(vmHandle)
    SV* vmHandle
  PPCODE:
    int snap = 0;
    const vix::Status s = vix::vm_get_current_snapshot(to_handle(aTHX_ vmHandle), snap);
    PUSH_STATUS_AND_HANDLE(s, snap);

void
VMGetNamedSnapshot(vmHandle, name)
    SV* vmHandle
    SV* name
  PPCODE:
    int snap = 0;
    const vix::Status s = vix::vm_get_named_snapshot(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ name), snap);
    PUSH_STATUS_AND_HANDLE(s, snap);

void
SnapshotGetNumChildren(snapshotHandle)
    SV* snapshotHandle
  PPCODE:
    int n = 0;
    const vix::Status s = vix::snapshot_get_num_children(to_handle(aTHX_ snapshotHandle), n);
    PUSH_STATUS(s);
    if (s.ok()) XPUSHs(sv_2mortal(newSViv((IV)n)));

void
SnapshotGetChild(snapshotHandle, index)
    SV* snapshotHandle
    SV* index
  PPCODE:
    int child = 0;
    const vix::Status s = vix::snapshot_get_child(to_handle(aTHX_ snapshotHandle), to_int_arg(aTHX_ index), child);
    PUSH_STATUS_AND_HANDLE(s, child);

void
SnapshotGetParent(snapshotHandle)
    SV* snapshotHandle
  PPCODE:
    int parent = 0;
    const vix::Status s = vix::snapshot_get_parent(to_handle(aTHX_ snapshotHandle), parent);
    PUSH_STATUS_AND_HANDLE(s, parent);
