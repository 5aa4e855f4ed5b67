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

void
VMClone(vmHandle, snapshotHandle, cloneType, destConfigPathName, options, propertyListHandle)
    SV* vmHandle
    SV* snapshotHandle
    SV* cloneType
    SV* destConfigPathName
    SV* options
    SV* propertyListHandle
  PPCODE:
    int clone = 0;
    const vix::Status s = vix::vm_clone(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ snapshotHandle),
                                        to_int_arg(aTHX_ cloneType), to_str_arg(aTHX_ destConfigPathName),
                                        to_int_arg(aTHX_ options), to_int_arg(aTHX_ propertyListHandle), clone);
    PUSH_STATUS_AND_HANDLE(s, clone);

void
VMReadVariable(vmHandle, variableType, name, options)
    SV* vmHandle
    SV* variableType
    SV* name
    SV* options
  PPCODE:
    std::string value;
    const vix::Status s = vix::vm_read_variable(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ variableType),
                                                to_str_arg(aTHX_ name), to_int_arg(aTHX_ options), value);
    PUSH_STATUS(s);
    if (s.ok()) XPUSHs(sv_2mortal(utf8_sv(aTHX_ value)));

void
VMWriteVariable(vmHandle, variableType, valueName, value, options)
    SV* vmHandle
    SV* variableType
    SV* valueName
    SV* value
    SV* options
  PPCODE:
    PUSH_STATUS(vix::vm_write_variable(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ variableType),
                                       to_str_arg(aTHX_ valueName), to_str_arg(aTHX_ value),
                                       to_int_arg(aTHX_ options)));

void
VMUpgradeVirtualHardware(vmHandle, options)
    SV* vmHandle
    SV* options
  PPCODE:
    PUSH_STATUS(vix::vm_upgrade_virtual_hardware(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ options)));

void
VMInstallTools(vmHandle, options, commandLineArgs)
    SV* vmHandle
    SV* options
    SV* commandLineArgs
  PPCODE:
    PUSH_STATUS(vix::vm_install_tools(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ options),
                                      to_str_arg(aTHX_ commandLineArgs)));

void
VMCaptureScreenImage(vmHandle, captureType, propertyListHandle)
    SV* vmHandle
    SV* captureType
    SV* propertyListHandle
  PPCODE:
    std::string png;
    const vix::Status s = vix::vm_capture_screen_image(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ captureType),
                                                       to_int_arg(aTHX_ propertyListHandle), png);
    PUSH_STATUS(s);
    if (s.ok()) {
        XPUSHs(sv_2mortal(newSViv((IV)png.size())));
        XPUSHs(sv_2mortal(newSVpvn(png.data(), png.size()))); /* bytes, no UTF-8 flag */
    }

# The families vSphere does not have: the original's argument lists; the
# handle is checked, then VIX_E_NOT_SUPPORTED.

void
VMEnableSharedFolders(vmHandle, enabled, options)
    SV* vmHandle
    SV* enabled
    SV* options
  PPCODE:
    PERL_UNUSED_VAR(enabled); PERL_UNUSED_VAR(options);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMEnableSharedFolders"));

void
VMGetNumSharedFolders(vmHandle)
    SV* vmHandle
  PPCODE:
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMGetNumSharedFolders"));

void
VMGetSharedFolderState(vmHandle, index)
    SV* vmHandle
    SV* index
  PPCODE:
    PERL_UNUSED_VAR(index);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMGetSharedFolderState"));

void
VMSetSharedFolderState(vmHandle, shareName, hostPathName, flags)
    SV* vmHandle
    SV* shareName
    SV* hostPathName
    SV* flags
  PPCODE:
    PERL_UNUSED_VAR(shareName); PERL_UNUSED_VAR(hostPathName); PERL_UNUSED_VAR(flags);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMSetSharedFolderState"));

void
VMAddSharedFolder(vmHandle, shareName, hostPathName, flags)
    SV* vmHandle
    SV* shareName
    SV* hostPathName
    SV* flags
  PPCODE:
    PERL_UNUSED_VAR(shareName); PERL_UNUSED_VAR(hostPathName); PERL_UNUSED_VAR(flags);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMAddSharedFolder"));

void
VMRemoveSharedFolder(vmHandle, shareName, flags)
    SV* vmHandle
    SV* shareName
    SV* flags
  PPCODE:
    PERL_UNUSED_VAR(shareName); PERL_UNUSED_VAR(flags);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMRemoveSharedFolder"));

void
VMOpenUrlInGuest(vmHandle, url, windowState, propertyListHandle)
    SV* vmHandle
    SV* url
    SV* windowState
    SV* propertyListHandle
  PPCODE:
    PERL_UNUSED_VAR(url); PERL_UNUSED_VAR(windowState); PERL_UNUSED_VAR(propertyListHandle);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMOpenUrlInGuest"));

void
VMBeginRecording(vmHandle, name, description, options, propertyListHandle)
    SV* vmHandle
    SV* name
    SV* description
    SV* options
    SV* propertyListHandle
  PPCODE:
    PERL_UNUSED_VAR(name); PERL_UNUSED_VAR(description); PERL_UNUSED_VAR(options);
    PERL_UNUSED_VAR(propertyListHandle);
    PUSH_STATUS_AND_HANDLE(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMBeginRecording"), 0);

void
VMEndRecording(vmHandle, options, propertyListHandle)
    SV* vmHandle
    SV* options
    SV* propertyListHandle
  PPCODE:
    PERL_UNUSED_VAR(options); PERL_UNUSED_VAR(propertyListHandle);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMEndRecording"));

void
VMBeginReplay(vmHandle, snapshotHandle, options, propertyListHandle)
    SV* vmHandle
    SV* snapshotHandle
    SV* options
    SV* propertyListHandle
  PPCODE:
    PERL_UNUSED_VAR(snapshotHandle); PERL_UNUSED_VAR(options); PERL_UNUSED_VAR(propertyListHandle);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMBeginReplay"));

void
VMEndReplay(vmHandle, options, propertyListHandle)
    SV* vmHandle
    SV* options
    SV* propertyListHandle
  PPCODE:
    PERL_UNUSED_VAR(options); PERL_UNUSED_VAR(propertyListHandle);
    PUSH_STATUS(vix::vm_not_on_vsphere(to_handle(aTHX_ vmHandle), "VMEndReplay"));
