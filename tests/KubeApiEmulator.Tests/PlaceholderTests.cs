namespace KubeApiEmulator.Tests;
