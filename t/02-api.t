# The exported surface, error texts and handle functions, without a network.
use strict;
use warnings;
use Test::More;
use FindBin;

use VMware::Vix::Simple;
use VMware::Vix::API::Constants;

my @default = qw(HostConnect HostDisconnect GetErrorText ReleaseHandle GetHandleType GetProperties);
for my $f (@default) {
    no strict 'refs';
    ok defined &{"main::$f"}, "$f exported by default";
}
for my $f (qw(GetLastErrorDetail AcquireCloneTicket)) {
    no strict 'refs';
    ok !defined &{"main::$f"}, "$f is not exported by default";
    ok((grep { $_ eq $f } @VMware::Vix::Simple::EXPORT_OK), "$f is in \@EXPORT_OK");
}

# Every VixError code has its own text; unknown codes a generic one.
open my $fh, '<', "$FindBin::Bin/../constants/error_texts.tsv" or die $!;
<$fh>;
my %text = map { chomp; split /\t/, $_, 2 } <$fh>;
my %seen_text;
for my $name (sort keys %text) {
    no strict 'refs';
    my $code = &{"VMware::Vix::API::Constants::$name"}();
    is GetErrorText($code), $text{$name}, "GetErrorText($name)";
    $seen_text{ GetErrorText($code) }++;
}
is GetErrorText(VIX_OK), 'The operation was successful', 'VIX_OK text';
is GetErrorText(65000), 'Unknown error', 'unknown code: generic text';
is GetErrorText(VIX_E_AUTHENTICATION_FAIL + (5 << 16)), GetErrorText(VIX_E_AUTHENTICATION_FAIL),
    'only the low 16 bits count';
is GetErrorText(VIX_E_FAIL, 'de_DE'), GetErrorText(VIX_E_FAIL), 'a locale is accepted';
ok defined GetErrorText(-1), 'never undef';

# Handles that are not live.
for my $h (0, -1, 12345, 2**40, undef, 'abc', 1.5) {
    my $shown = defined $h ? $h : 'undef';
    is GetHandleType($h), VIX_HANDLETYPE_NONE, "GetHandleType($shown) is NONE";
    my ($err, @values) = GetProperties($h, VIX_PROPERTY_HOST_HOSTTYPE);
    is $err, VIX_E_INVALID_HANDLE, "GetProperties($shown) is VIX_E_INVALID_HANDLE";
    is scalar(@values), 0, 'no values';
    is_deeply [HostDisconnect($h)], [], "HostDisconnect($shown) is a silent no-op";
    is_deeply [ReleaseHandle($h)], [], "ReleaseHandle($shown) is a silent no-op";
}

# Wrong argument counts die with a usage message.
for my $call (
    [HostConnect    => sub { HostConnect(1, 2, 3) }],
    [HostDisconnect => sub { HostDisconnect() }],
    [GetHandleType  => sub { GetHandleType() }],
    [ReleaseHandle  => sub { ReleaseHandle(1, 2) }],
    [GetProperties  => sub { GetProperties() }],
    [GetErrorText   => sub { GetErrorText() }],
) {
    eval { $call->[1]->() };
    like $@, qr/Usage: VMware::Vix::Simple::$call->[0]\(/, "$call->[0] with a wrong argument count croaks";
}

# Providers that need no network.
my ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_SERVER, undef, 0, undef, undef, 0,
    VIX_INVALID_HANDLE);
is $err, VIX_E_NOT_SUPPORTED, 'Server 1.0 is not supported';
is $h, VIX_INVALID_HANDLE, 'no handle';
like VMware::Vix::Simple::GetLastErrorDetail(), qr/VIX_SERVICEPROVIDER_VMWARE_VI_SERVER/, 'the detail names the way';

{
    local $ENV{PATH} = '/nonexistent';
    for my $p ([VIX_SERVICEPROVIDER_VMWARE_WORKSTATION, VIX_E_WRAPPER_WORKSTATION_NOT_INSTALLED],
               [VIX_SERVICEPROVIDER_DEFAULT, VIX_E_WRAPPER_WORKSTATION_NOT_INSTALLED],
               [VIX_SERVICEPROVIDER_VMWARE_PLAYER, VIX_E_WRAPPER_PLAYER_NOT_INSTALLED]) {
        ($err, $h) = HostConnect(VIX_API_VERSION, $p->[0], undef, 0, undef, undef, 0, VIX_INVALID_HANDLE);
        is $err, $p->[1], "provider $p->[0] without a local installation";
        ($err, $h) = HostConnect(VIX_API_VERSION, $p->[0], 'esx.example.com', 0, 'root', 'pw', 0, VIX_INVALID_HANDLE);
        is $err, VIX_E_NOT_FOR_REMOTE_HOST, "provider $p->[0] refuses a remote host";
    }
}

# A local installation (a vmrun on PATH) gives a host handle without network.
SKIP: {
    my $dir = File::Temp::tempdir(CLEANUP => 1) if require File::Temp;
    open my $vm, '>', "$dir/vmrun" or skip "cannot write $dir", 5;
    print {$vm} "#!/bin/sh\nexit 0\n";
    close $vm;
    chmod 0755, "$dir/vmrun";
    local $ENV{PATH} = $dir;
    ($err, $h) = HostConnect(VIX_API_VERSION, VIX_SERVICEPROVIDER_VMWARE_WORKSTATION, 'localhost', 0, undef, undef, 0,
        VIX_INVALID_HANDLE);
    is $err, VIX_OK, 'Workstation on the local host with vmrun found';
    ok $h > 0, 'a positive handle';
    is GetHandleType($h), VIX_HANDLETYPE_HOST, 'a host handle';
    my ($perr, $type) = GetProperties($h, VIX_PROPERTY_HOST_HOSTTYPE);
    is $type, VIX_SERVICEPROVIDER_VMWARE_WORKSTATION, 'HOSTTYPE is the provider';
    ReleaseHandle($h);
    is GetHandleType($h), VIX_HANDLETYPE_NONE, 'released';
}

done_testing;
