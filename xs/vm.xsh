# Inventory, power and VM handles (SPEC-VM 10 to 12). Included by Simple.xs.

void
FindItems(hostHandle, searchType, timeoutInSeconds)
    SV* hostHandle
    SV* searchType
    SV* timeoutInSeconds
  PPCODE:
    std::vector<std::string> items;
    const vix::Status s = vix::find_items(to_handle(aTHX_ hostHandle), to_int_arg(aTHX_ searchType),
                                          to_int_arg(aTHX_ timeoutInSeconds), items);
    PUSH_STATUS(s);
    EXTEND(SP, (SSize_t)items.size());
    for (const std::string& p : items) mPUSHs(utf8_sv(aTHX_ p));

void
FindRunningVMs(hostHandle, timeoutInSeconds)
    SV* hostHandle
    SV* timeoutInSeconds
  PPCODE:
    std::vector<std::string> items;
    vix::IntArg type;
    type.kind = vix::IntArg::Int;
    type.value = vix::VIX_FIND_RUNNING_VMS;
    const vix::Status s = vix::find_items(to_handle(aTHX_ hostHandle), type, to_int_arg(aTHX_ timeoutInSeconds), items);
    PUSH_STATUS(s);
    EXTEND(SP, (SSize_t)items.size());
    for (const std::string& p : items) mPUSHs(utf8_sv(aTHX_ p));

void
VMOpen(hostHandle, vmxFilePathName)
    SV* hostHandle
    SV* vmxFilePathName
  PPCODE:
    int vm = 0;
    const vix::Status s = vix::vm_open(to_handle(aTHX_ hostHandle), to_str_arg(aTHX_ vmxFilePathName), vm);
    PUSH_STATUS_AND_HANDLE(s, vm);

void
HostOpenVM(hostHandle, vmxFilePathName, options, propertyListHandle)
    SV* hostHandle
    SV* vmxFilePathName
    SV* options
    SV* propertyListHandle
  PPCODE:
    int vm = 0;
    const vix::Status s = vix::host_open_vm(to_handle(aTHX_ hostHandle), to_str_arg(aTHX_ vmxFilePathName),
                                            to_int_arg(aTHX_ options), to_int_arg(aTHX_ propertyListHandle), vm);
    PUSH_STATUS_AND_HANDLE(s, vm);

void
RegisterVM(hostHandle, vmxFilePathName)
    SV* hostHandle
    SV* vmxFilePathName
  PPCODE:
    PUSH_STATUS(vix::register_vm(to_handle(aTHX_ hostHandle), to_str_arg(aTHX_ vmxFilePathName)));

void
UnregisterVM(hostHandle, vmxFilePathName)
    SV* hostHandle
    SV* vmxFilePathName
  PPCODE:
    PUSH_STATUS(vix::unregister_vm(to_handle(aTHX_ hostHandle), to_str_arg(aTHX_ vmxFilePathName)));

void
VMPowerOn(vmHandle, powerOnOptions, propertyListHandle)
    SV* vmHandle
    SV* powerOnOptions
    SV* propertyListHandle
  PPCODE:
    PUSH_STATUS(vix::vm_power_on(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ powerOnOptions),
                                 to_int_arg(aTHX_ propertyListHandle)));

void
VMPowerOff(vmHandle, powerOffOptions)
    SV* vmHandle
    SV* powerOffOptions
  PPCODE:
    PUSH_STATUS(vix::vm_power_off(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ powerOffOptions)));

void
VMReset(vmHandle, resetOptions)
    SV* vmHandle
    SV* resetOptions
  PPCODE:
    PUSH_STATUS(vix::vm_reset(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ resetOptions)));

void
VMSuspend(vmHandle, suspendOptions)
    SV* vmHandle
    SV* suspendOptions
  PPCODE:
    PUSH_STATUS(vix::vm_suspend(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ suspendOptions)));

void
VMPause(vmHandle, options, propertyListHandle)
    SV* vmHandle
    SV* options
    SV* propertyListHandle
  PPCODE:
    PUSH_STATUS(vix::vm_pause(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ options),
                              to_int_arg(aTHX_ propertyListHandle)));

void
VMUnpause(vmHandle, options, propertyListHandle)
    SV* vmHandle
    SV* options
    SV* propertyListHandle
  PPCODE:
    PUSH_STATUS(vix::vm_unpause(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ options),
                                to_int_arg(aTHX_ propertyListHandle)));

void
VMDelete(vmHandle, deleteOptions)
    SV* vmHandle
    SV* deleteOptions
  PPCODE:
    PUSH_STATUS(vix::vm_delete(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ deleteOptions)));
