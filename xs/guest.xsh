# Guest operations (SPEC-VM 14). Included by Simple.xs.

void
VMWaitForToolsInGuest(vmHandle, timeoutInSeconds)
    SV* vmHandle
    SV* timeoutInSeconds
  PPCODE:
    PUSH_STATUS(vix::vm_wait_for_tools(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ timeoutInSeconds)));

void
VMLoginInGuest(vmHandle, userName, password, options)
    SV* vmHandle
    SV* userName
    SV* password
    SV* options
  PPCODE:
    PUSH_STATUS(vix::vm_login_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ userName),
                                       to_str_arg(aTHX_ password), to_int_arg(aTHX_ options)));

void
VMLogoutFromGuest(vmHandle)
    SV* vmHandle
  PPCODE:
    PUSH_STATUS(vix::vm_logout_from_guest(to_handle(aTHX_ vmHandle)));

void
VMRunProgramInGuest(vmHandle, guestProgramName, commandLineArgs, options, propertyListHandle)
    SV* vmHandle
    SV* guestProgramName
    SV* commandLineArgs
    SV* options
    SV* propertyListHandle
  PPCODE:
    vix::RunResult r;
    PUSH_STATUS(vix::vm_run_program(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ guestProgramName),
                                    to_str_arg(aTHX_ commandLineArgs), to_int_arg(aTHX_ options),
                                    to_int_arg(aTHX_ propertyListHandle), r));

void
VMRunProgramInGuestEx(vmHandle, guestProgramName, commandLineArgs, options, propertyListHandle)
    SV* vmHandle
    SV* guestProgramName
    SV* commandLineArgs
    SV* options
    SV* propertyListHandle
  PPCODE:
    vix::RunResult r;
    const vix::Status s = vix::vm_run_program(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ guestProgramName),
                                              to_str_arg(aTHX_ commandLineArgs), to_int_arg(aTHX_ options),
                                              to_int_arg(aTHX_ propertyListHandle), r);
    PUSH_STATUS(s);
    if (s.ok()) PUSH_RUN_RESULT(r);

void
VMRunScriptInGuest(vmHandle, interpreter, scriptText, options, propertyListHandle)
    SV* vmHandle
    SV* interpreter
    SV* scriptText
    SV* options
    SV* propertyListHandle
  PPCODE:
    vix::RunResult r;
    PUSH_STATUS(vix::vm_run_script(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ interpreter),
                                   to_str_arg(aTHX_ scriptText), to_int_arg(aTHX_ options),
                                   to_int_arg(aTHX_ propertyListHandle), r));

void
VMListProcessesInGuest(vmHandle, options)
    SV* vmHandle
    SV* options
  PPCODE:
    std::vector<vix::ProcessEntry> procs;
    const vix::Status s = vix::vm_list_processes(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ options), procs);
    PUSH_STATUS(s);
    EXTEND(SP, (SSize_t)procs.size());
    for (const vix::ProcessEntry& p : procs) {
        HV* hv = newHV();
        hv_stores(hv, "PROCESS_NAME", utf8_sv(aTHX_ p.name));
        hv_stores(hv, "PROCESS_ID", newSViv((IV)p.pid));
        hv_stores(hv, "PROCESS_OWNER", utf8_sv(aTHX_ p.owner));
        hv_stores(hv, "PROCESS_COMMAND", utf8_sv(aTHX_ p.command));
        hv_stores(hv, "PROCESS_START_TIME", newSViv((IV)p.start_time));
        hv_stores(hv, "PROCESS_BEING_DEBUGGED", newSViv(0));
        mPUSHs(newRV_noinc((SV*)hv));
    }

void
VMKillProcessInGuest(vmHandle, pid, options)
    SV* vmHandle
    SV* pid
    SV* options
  PPCODE:
    PUSH_STATUS(vix::vm_kill_process(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ pid), to_int_arg(aTHX_ options)));

void
VMCopyFileFromHostToGuest(vmHandle, hostPathName, guestPathName, options, propertyListHandle, progress = NULL)
    SV* vmHandle
    SV* hostPathName
    SV* guestPathName
    SV* options
    SV* propertyListHandle
    SV* progress
  PPCODE:
    /* The progress callback runs Perl code, which may move the stack. */
    const SSize_t base = SP - PL_stack_base;
    const vix::Status s = vix::vm_copy_file_to_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ hostPathName),
                                                     to_str_arg(aTHX_ guestPathName), to_int_arg(aTHX_ options),
                                                     to_int_arg(aTHX_ propertyListHandle),
                                                     to_callback_arg(aTHX_ progress));
    SP = PL_stack_base + base;
    PUSH_STATUS(s);

void
VMCopyFileFromGuestToHost(vmHandle, guestPathName, hostPathName, options, propertyListHandle, progress = NULL)
    SV* vmHandle
    SV* guestPathName
    SV* hostPathName
    SV* options
    SV* propertyListHandle
    SV* progress
  PPCODE:
    /* The progress callback runs Perl code, which may move the stack. */
    const SSize_t base = SP - PL_stack_base;
    const vix::Status s = vix::vm_copy_file_from_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ guestPathName),
                                                       to_str_arg(aTHX_ hostPathName), to_int_arg(aTHX_ options),
                                                       to_int_arg(aTHX_ propertyListHandle),
                                                       to_callback_arg(aTHX_ progress));
    SP = PL_stack_base + base;
    PUSH_STATUS(s);

void
VMDeleteFileInGuest(vmHandle, guestPathName)
    SV* vmHandle
    SV* guestPathName
  PPCODE:
    PUSH_STATUS(vix::vm_delete_file_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ guestPathName)));

void
VMFileExistsInGuest(vmHandle, guestPathName)
    SV* vmHandle
    SV* guestPathName
  PPCODE:
    bool exists = false;
    const vix::Status s = vix::vm_file_exists_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ guestPathName), exists);
    PUSH_STATUS(s);
    if (s.ok()) XPUSHs(sv_2mortal(newSViv(exists ? 1 : 0)));

void
VMDirectoryExistsInGuest(vmHandle, pathName)
    SV* vmHandle
    SV* pathName
  PPCODE:
    bool exists = false;
    const vix::Status s = vix::vm_directory_exists_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ pathName), exists);
    PUSH_STATUS(s);
    if (s.ok()) XPUSHs(sv_2mortal(newSViv(exists ? 1 : 0)));

void
VMRenameFileInGuest(vmHandle, oldName, newName, options, propertyListHandle)
    SV* vmHandle
    SV* oldName
    SV* newName
    SV* options
    SV* propertyListHandle
  PPCODE:
    PUSH_STATUS(vix::vm_rename_file_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ oldName),
                                             to_str_arg(aTHX_ newName), to_int_arg(aTHX_ options),
                                             to_int_arg(aTHX_ propertyListHandle)));

void
VMCreateTempFileInGuest(vmHandle, options, propertyListHandle)
    SV* vmHandle
    SV* options
    SV* propertyListHandle
  PPCODE:
    std::string path;
    const vix::Status s = vix::vm_create_temp_file_in_guest(to_handle(aTHX_ vmHandle), to_int_arg(aTHX_ options),
                                                            to_int_arg(aTHX_ propertyListHandle), path);
    PUSH_STATUS(s);
    if (s.ok()) XPUSHs(sv_2mortal(utf8_sv(aTHX_ path)));

void
VMListDirectoryInGuest(vmHandle, pathName, options)
    SV* vmHandle
    SV* pathName
    SV* options
  PPCODE:
    std::vector<vix::FileEntry> entries;
    const vix::Status s = vix::vm_list_directory_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ pathName),
                                                          to_int_arg(aTHX_ options), entries);
    PUSH_STATUS(s);
    EXTEND(SP, (SSize_t)entries.size());
    for (const vix::FileEntry& e : entries) {
        HV* hv = newHV();
        hv_stores(hv, "FILE_NAME", utf8_sv(aTHX_ e.name));
        hv_stores(hv, "FILE_ATTRIBUTES", newSViv((IV)e.attributes));
        hv_stores(hv, "FILE_SIZE", newSViv((IV)e.size));
        hv_stores(hv, "FILE_MOD_TIME", newSViv((IV)e.mod_time));
        mPUSHs(newRV_noinc((SV*)hv));
    }

void
VMCreateDirectoryInGuest(vmHandle, pathName, propertyListHandle)
    SV* vmHandle
    SV* pathName
    SV* propertyListHandle
  PPCODE:
    PUSH_STATUS(vix::vm_create_directory_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ pathName),
                                                  to_int_arg(aTHX_ propertyListHandle)));

void
VMDeleteDirectoryInGuest(vmHandle, pathName, options)
    SV* vmHandle
    SV* pathName
    SV* options
  PPCODE:
    PUSH_STATUS(vix::vm_delete_directory_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ pathName),
                                                  to_int_arg(aTHX_ options)));

void
VMGetFileInfoInGuest(vmHandle, pathName)
    SV* vmHandle
    SV* pathName
  PPCODE:
    vix::FileEntry info;
    const vix::Status s = vix::vm_get_file_info_in_guest(to_handle(aTHX_ vmHandle), to_str_arg(aTHX_ pathName), info);
    PUSH_STATUS(s);
    if (s.ok()) {
        EXTEND(SP, 6);
        mPUSHs(newSVpvs("FILE_SIZE"));
        mPUSHi((IV)info.size);
        mPUSHs(newSVpvs("FILE_FLAGS"));
        mPUSHi((IV)info.attributes);
        mPUSHs(newSVpvs("FILE_MOD_TIME"));
        mPUSHi((IV)info.mod_time);
    }
