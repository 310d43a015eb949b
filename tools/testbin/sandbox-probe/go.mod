module kubechat.local/testbin/sandbox-probe

go 1.24.0
