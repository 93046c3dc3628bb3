namespace KubeApiEmulator.Tests.Kubectl;

/// <summary>A small test CRD (with status subresource, short name and printer columns) and objects to apply.</summary>
internal static class TestManifests
{
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.emulator.example.com
        spec:
          group: emulator.example.com
          names:
            kind: Widget
            listKind: WidgetList
            plural: widgets
            singular: widget
            shortNames: [wdg]
            categories: [emulator]
          scope: Namespaced
          versions:
          - name: v1
            served: true
            storage: true
            subresources:
              status: {}
            additionalPrinterColumns:
            - {name: Size, type: integer, jsonPath: .spec.size}
            - {name: Color, type: string, jsonPath: .spec.color}
            - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1, maximum: 10}
                      color: {type: string, enum: [red, green, blue]}
                      tags: {type: array, items: {type: string}}
                  status:
                    type: object
                    properties:
                      conditions:
                        type: array
                        items:
                          type: object
                          required: [type, status]
                          properties:
                            type: {type: string}
                            status: {type: string}
                            reason: {type: string}
                            message: {type: string}
                            lastTransitionTime: {type: string, format: date-time}
        """;

    public static string Widget(string name, int size, string color = "red", string extraSpec = "", string metadata = "") => $"""
        apiVersion: emulator.example.com/v1
        kind: Widget
        metadata:
          name: {name}
          namespace: default
        {metadata}
        spec:
          size: {size}
          color: {color}
        {extraSpec}
        """;

    public const string BuiltIns = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: default
          labels: {app: web}
        data:
          mode: fast
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: default
          labels: {app: web}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: app
                image: nginx:1.27
                ports:
                - containerPort: 80
                env:
                - {name: MODE, value: fast}
              - name: sidecar
                image: busybox:1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: default
        spec:
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: 80}
        """;
}
