"""Account endpoints: register, and read, edit or delete one's own account."""

from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from auth_service.accounts import services
from auth_service.accounts.serializers import (
    PasswordSerializer,
    RegisterSerializer,
    UserSerializer,
    UserUpdateSerializer,
)


class RegisterView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @swagger_auto_schema(request_body=RegisterSerializer, responses={201: UserSerializer}, security=[])
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.user_register(**serializer.validated_data)
        except services.EmailTaken:
            return Response(
                {"email": ["An account with this email already exists."]}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class MeView(APIView):
    @swagger_auto_schema(responses={200: UserSerializer})
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)

    @swagger_auto_schema(request_body=UserUpdateSerializer, responses={200: UserSerializer})
    def patch(self, request: Request) -> Response:
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(user=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data)

    @swagger_auto_schema(request_body=PasswordSerializer, responses={204: "Account deleted"})
    def delete(self, request: Request) -> Response:
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not request.user.check_password(serializer.validated_data["password"]):
            return Response({"password": ["The password is not correct."]}, status=status.HTTP_400_BAD_REQUEST)
        services.user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
